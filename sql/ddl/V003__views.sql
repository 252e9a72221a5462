-- Views the rules, dashboards and notebooks share (共享视图): claims joined to their policies,
-- and entities seen across all companies, all keyed by tokens.

-- A&H/life claim with its policy at the same company (the policy may be absent: claims on
-- policies that started before the upload window).
CREATE OR REPLACE VIEW v_ah_claim_policy AS
SELECT c.*,
       p.start_date AS p_start_date, p.end_date AS p_end_date, p.sum_insured AS p_sum_insured,
       p.death_sum_insured AS p_death_sum_insured, p.issue_time AS p_issue_time,
       p.agent_code AS p_agent_code, p.agent_name_token AS p_agent_name_token,
       p.beneficiary_id_token AS p_beneficiary_id_token, p.beneficiary_relation AS p_beneficiary_relation,
       coalesce(c.policy_start_date, p.start_date) AS effective_start_date
FROM ah_claim c
LEFT JOIN ah_policy p
  ON p.company_code = c.company_code AND p.policy_no = c.policy_no AND p.insured_id_token = c.insured_id_token;

CREATE OR REPLACE VIEW v_auto_claim_policy AS
SELECT c.*,
       p.start_date AS p_start_date, p.end_date AS p_end_date, p.issue_time AS p_issue_time,
       p.endorsement_date AS p_endorsement_date, p.vehicle_use AS p_vehicle_use,
       p.owner_id_token AS p_owner_id_token, p.region_code AS p_region_code
FROM auto_claim c
LEFT JOIN auto_policy p ON p.company_code = c.company_code AND p.policy_no = c.policy_no;

CREATE OR REPLACE VIEW v_agri_claim_policy AS
SELECT c.*,
       p.start_date AS p_start_date, p.end_date AS p_end_date, p.issue_time AS p_issue_time,
       p.subject AS p_subject, p.category AS p_category, p.insured_area AS p_insured_area,
       p.insured_heads AS p_insured_heads, p.village_code AS p_village_code
FROM agri_claim c
LEFT JOIN agri_policy p ON p.company_code = c.company_code AND p.policy_no = c.policy_no;

-- Every person (by ID token) seen anywhere, with the roles and companies they appear in.
CREATE OR REPLACE VIEW v_person_role AS
          SELECT insured_id_token AS token, insured_id_mask AS mask, insured_name_mask AS name_mask, insured_id_birth AS birth, insured_id_gender AS gender, insured_id_region AS region, company_code, 'ah_policy' AS record_kind, policy_no AS record_no, 'insured' AS role FROM ah_policy WHERE insured_id_token IS NOT NULL
UNION ALL SELECT policyholder_id_token, policyholder_id_mask, policyholder_name_mask, policyholder_id_birth, policyholder_id_gender, policyholder_id_region, company_code, 'ah_policy', policy_no, 'policyholder' FROM ah_policy WHERE policyholder_id_token IS NOT NULL
UNION ALL SELECT beneficiary_id_token, beneficiary_id_mask, beneficiary_name_mask, beneficiary_id_birth, beneficiary_id_gender, beneficiary_id_region, company_code, 'ah_policy', policy_no, 'beneficiary' FROM ah_policy WHERE beneficiary_id_token IS NOT NULL
UNION ALL SELECT insured_id_token, insured_id_mask, insured_name_mask, insured_id_birth, insured_id_gender, insured_id_region, company_code, 'ah_claim', claim_no, 'insured' FROM ah_claim WHERE insured_id_token IS NOT NULL
UNION ALL SELECT payee_id_token, payee_id_mask, payee_name_mask, payee_id_birth, payee_id_gender, payee_id_region, company_code, 'ah_claim', claim_no, 'payee' FROM ah_claim WHERE payee_id_token IS NOT NULL
UNION ALL SELECT owner_id_token, owner_id_mask, owner_name_mask, owner_id_birth, owner_id_gender, owner_id_region, company_code, 'auto_policy', policy_no, 'owner' FROM auto_policy WHERE owner_id_token IS NOT NULL
UNION ALL SELECT driver_id_token, driver_id_mask, driver_name_mask, driver_id_birth, driver_id_gender, driver_id_region, company_code, 'auto_claim', claim_no, 'driver' FROM auto_claim WHERE driver_id_token IS NOT NULL
UNION ALL SELECT injured_id_token, injured_id_mask, injured_name_mask, injured_id_birth, injured_id_gender, injured_id_region, company_code, 'auto_claim', claim_no, 'injured' FROM auto_claim WHERE injured_id_token IS NOT NULL
UNION ALL SELECT payee_id_token, payee_id_mask, payee_name_mask, payee_id_birth, payee_id_gender, payee_id_region, company_code, 'auto_claim', claim_no, 'payee' FROM auto_claim WHERE payee_id_token IS NOT NULL
UNION ALL SELECT farmer_id_token, farmer_id_mask, farmer_name_mask, farmer_id_birth, farmer_id_gender, farmer_id_region, company_code, 'agri_policy', policy_no, 'farmer' FROM agri_policy WHERE farmer_id_token IS NOT NULL
UNION ALL SELECT farmer_id_token, farmer_id_mask, farmer_name_mask, farmer_id_birth, farmer_id_gender, farmer_id_region, company_code, 'agri_claim', claim_no, 'farmer' FROM agri_claim WHERE farmer_id_token IS NOT NULL
UNION ALL SELECT payee_id_token, payee_id_mask, payee_name_mask, payee_id_birth, payee_id_gender, payee_id_region, company_code, 'agri_claim', claim_no, 'payee' FROM agri_claim WHERE payee_id_token IS NOT NULL;

CREATE OR REPLACE VIEW v_person AS
SELECT token, any_value(mask) AS mask, any_value(name_mask) AS name_mask, any_value(birth) AS birth,
       any_value(gender) AS gender, any_value(region) AS region,
       count(DISTINCT company_code) AS n_companies, count(*) AS n_records
FROM v_person_role GROUP BY token;

-- Every vehicle (by VIN token) across auto policies and claims.
CREATE OR REPLACE VIEW v_vehicle AS
SELECT token, any_value(mask) AS mask, any_value(plate_mask) AS plate_mask,
       count(DISTINCT company_code) AS n_companies, count(*) FILTER (WHERE record_kind = 'auto_claim') AS n_claims
FROM (
          SELECT vin_token AS token, vin_mask AS mask, plate_mask, company_code, 'auto_policy' AS record_kind FROM auto_policy
UNION ALL SELECT vin_token, vin_mask, plate_mask, company_code, 'auto_claim' FROM auto_claim
) WHERE token IS NOT NULL GROUP BY token;

-- Payee accounts and whom they were paid for, across lines.
CREATE OR REPLACE VIEW v_payee_account AS
          SELECT payee_account_token AS token, payee_account_mask AS mask, company_code, 'ah_claim' AS record_kind, claim_no AS record_no, insured_id_token AS beneficiary_token, paid_amount, payee_relation FROM ah_claim WHERE payee_account_token IS NOT NULL
UNION ALL SELECT payee_account_token, payee_account_mask, company_code, 'auto_claim', claim_no, payee_id_token, paid_amount, payee_relation FROM auto_claim WHERE payee_account_token IS NOT NULL
UNION ALL SELECT payee_account_token, payee_account_mask, company_code, 'agri_claim', claim_no, farmer_id_token, paid_amount, payee_relation FROM agri_claim WHERE payee_account_token IS NOT NULL;

-- Submissions per company and kind (what is loaded now).
CREATE OR REPLACE VIEW v_submissions AS
SELECT company_code, kind, count(*) AS files, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded,
       sum(rows_rejected) AS rows_rejected, max(loaded_at) AS last_loaded_at
FROM manifest WHERE status = 'loaded' GROUP BY company_code, kind;
