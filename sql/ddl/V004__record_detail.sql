-- One line of masked detail per warehouse record (记录摘要), for workbooks, entity views and
-- referral packages: who (masked), what object (masked), the key date and the money.
CREATE OR REPLACE VIEW v_record_detail AS
          SELECT company_code, 'ah_policy' AS record_kind, policy_no AS record_no, line AS line_zh,
                 insured_name_mask || ' ' || coalesce(insured_id_mask, '') AS person_mask, product_name AS object_desc,
                 start_date AS key_date, '起保' AS key_date_zh, sum_insured AS amount, '保额' AS amount_zh
          FROM ah_policy
UNION ALL SELECT company_code, 'ah_claim', claim_no, line, insured_name_mask || ' ' || coalesce(insured_id_mask, ''),
                 loss_type || coalesce('·' || hospital_name, ''), loss_date, '出险', paid_amount, '赔付' FROM ah_claim
UNION ALL SELECT company_code, 'ah_claim_hist', claim_no, line, insured_name_mask || ' ' || coalesce(insured_id_mask, ''),
                 loss_type || coalesce('·' || hospital_name, ''), loss_date, '出险', paid_amount, '赔付' FROM ah_claim_hist
UNION ALL SELECT company_code, 'medical_receipt', coalesce(receipt_code, '') || '/' || receipt_no, '医疗票据',
                 '赔案' || claim_no, hospital_name, receipt_date, '开票', amount, '票据金额' FROM medical_receipt
UNION ALL SELECT company_code, 'medical_receipt_hist', coalesce(receipt_code, '') || '/' || receipt_no, '医疗票据',
                 '赔案' || claim_no, hospital_name, receipt_date, '开票', amount, '票据金额' FROM medical_receipt_hist
UNION ALL SELECT company_code, 'auto_policy', policy_no, coverage, owner_name_mask || ' ' || coalesce(owner_id_mask, ''),
                 coalesce(plate_mask, '') || ' ' || coalesce(vin_mask, ''), start_date, '起保', sum_insured, '保额' FROM auto_policy
UNION ALL SELECT company_code, 'auto_claim', claim_no, coverage,
                 coalesce(driver_name_mask, '') || coalesce('/伤者' || injured_name_mask, ''),
                 coalesce(plate_mask, '') || ' ' || coalesce(vin_mask, '') || coalesce('·' || repair_shop_name, ''),
                 CAST(accident_time AS DATE), '出险', paid_amount, '赔付' FROM auto_claim
UNION ALL SELECT company_code, 'agri_policy', policy_no, category, farmer_name_mask || ' ' || coalesce(farmer_id_mask, ''),
                 subject || coalesce(' ' || CAST(insured_area AS VARCHAR) || '亩', '') || coalesce(' ' || CAST(insured_heads AS VARCHAR) || '头', ''),
                 start_date, '起保', sum_insured, '保额' FROM agri_policy
UNION ALL SELECT company_code, 'agri_claim', claim_no, loss_cause, farmer_name_mask || ' ' || coalesce(farmer_id_mask, '')
                 || coalesce('/领款' || payee_name_mask, ''), coalesce(payee_account_mask, ''), loss_date, '出险',
                 paid_amount, '赔付' FROM agri_claim;
