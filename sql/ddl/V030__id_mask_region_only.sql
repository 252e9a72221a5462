-- ID-number masks show the region code only (220102************), no longer the last four digits:
-- beside the birth date the warehouse keeps for the rules, region + birth + the last four spell the
-- whole number (see workbench.protect.mask). Rewrites the masks of warehouses built before.

UPDATE ah_policy SET policyholder_id_mask = left(policyholder_id_mask, 6) || '************' WHERE policyholder_id_birth IS NOT NULL AND length(policyholder_id_mask) = 18;
UPDATE ah_policy SET insured_id_mask = left(insured_id_mask, 6) || '************' WHERE insured_id_birth IS NOT NULL AND length(insured_id_mask) = 18;
UPDATE ah_policy SET beneficiary_id_mask = left(beneficiary_id_mask, 6) || '************' WHERE beneficiary_id_birth IS NOT NULL AND length(beneficiary_id_mask) = 18;
UPDATE ah_claim SET insured_id_mask = left(insured_id_mask, 6) || '************' WHERE insured_id_birth IS NOT NULL AND length(insured_id_mask) = 18;
UPDATE ah_claim SET payee_id_mask = left(payee_id_mask, 6) || '************' WHERE payee_id_birth IS NOT NULL AND length(payee_id_mask) = 18;
UPDATE ah_claim_hist SET insured_id_mask = left(insured_id_mask, 6) || '************' WHERE insured_id_birth IS NOT NULL AND length(insured_id_mask) = 18;
UPDATE ah_claim_hist SET payee_id_mask = left(payee_id_mask, 6) || '************' WHERE payee_id_birth IS NOT NULL AND length(payee_id_mask) = 18;
UPDATE auto_policy SET owner_id_mask = left(owner_id_mask, 6) || '************' WHERE owner_id_birth IS NOT NULL AND length(owner_id_mask) = 18;
UPDATE auto_claim SET driver_id_mask = left(driver_id_mask, 6) || '************' WHERE driver_id_birth IS NOT NULL AND length(driver_id_mask) = 18;
UPDATE auto_claim SET injured_id_mask = left(injured_id_mask, 6) || '************' WHERE injured_id_birth IS NOT NULL AND length(injured_id_mask) = 18;
UPDATE auto_claim SET payee_id_mask = left(payee_id_mask, 6) || '************' WHERE payee_id_birth IS NOT NULL AND length(payee_id_mask) = 18;
UPDATE agri_policy SET farmer_id_mask = left(farmer_id_mask, 6) || '************' WHERE farmer_id_birth IS NOT NULL AND length(farmer_id_mask) = 18;
UPDATE agri_policy SET assistant_id_mask = left(assistant_id_mask, 6) || '************' WHERE assistant_id_birth IS NOT NULL AND length(assistant_id_mask) = 18;
UPDATE agri_claim SET farmer_id_mask = left(farmer_id_mask, 6) || '************' WHERE farmer_id_birth IS NOT NULL AND length(farmer_id_mask) = 18;
UPDATE agri_claim SET payee_id_mask = left(payee_id_mask, 6) || '************' WHERE payee_id_birth IS NOT NULL AND length(payee_id_mask) = 18;
UPDATE land_roster SET farmer_id_mask = left(farmer_id_mask, 6) || '************' WHERE farmer_id_birth IS NOT NULL AND length(farmer_id_mask) = 18;
UPDATE whitelist SET person_id_mask = left(person_id_mask, 6) || '************' WHERE person_id_birth IS NOT NULL AND length(person_id_mask) = 18;
UPDATE platform_clue_auto SET person_id_mask = left(person_id_mask, 6) || '************' WHERE person_id_birth IS NOT NULL AND length(person_id_mask) = 18;
UPDATE platform_clue_agri SET farmer_id_mask = left(farmer_id_mask, 6) || '************' WHERE farmer_id_birth IS NOT NULL AND length(farmer_id_mask) = 18;
UPDATE att3_clue SET person_id_mask = left(person_id_mask, 6) || '************' WHERE person_id_birth IS NOT NULL AND length(person_id_mask) = 18;
UPDATE att4_person SET person_id_mask = left(person_id_mask, 6) || '************' WHERE person_id_birth IS NOT NULL AND length(person_id_mask) = 18;
UPDATE att5_clue SET person_id_mask = left(person_id_mask, 6) || '************' WHERE person_id_birth IS NOT NULL AND length(person_id_mask) = 18;
UPDATE att6_person SET person_id_mask = left(person_id_mask, 6) || '************' WHERE person_id_birth IS NOT NULL AND length(person_id_mask) = 18;
UPDATE public_inpatient_extra SET attending_physician_id_mask = left(attending_physician_id_mask, 6) || '************' WHERE attending_physician_id_birth IS NOT NULL AND length(attending_physician_id_mask) = 18;
UPDATE public_inpatient_extra SET operating_physician_id_mask = left(operating_physician_id_mask, 6) || '************' WHERE operating_physician_id_birth IS NOT NULL AND length(operating_physician_id_mask) = 18;
UPDATE public_inpatient_extra SET other_physician_id_mask = left(other_physician_id_mask, 6) || '************' WHERE other_physician_id_birth IS NOT NULL AND length(other_physician_id_mask) = 18;
UPDATE public_beneficiary SET bene_id_mask = left(bene_id_mask, 6) || '************' WHERE bene_id_birth IS NOT NULL AND length(bene_id_mask) = 18;

-- results of earlier screenings: person masks in the shape 6 digits + 8 stars + last four
UPDATE clue_entities SET mask = left(mask, 6) || '************' WHERE regexp_full_match(mask, '[0-9]{6}\*{8}[0-9]{3}[0-9X]');
UPDATE ring_links SET mask = left(mask, 6) || '************' WHERE regexp_full_match(mask, '[0-9]{6}\*{8}[0-9]{3}[0-9X]');
UPDATE clue_whitelist_hits SET mask = left(mask, 6) || '************' WHERE regexp_full_match(mask, '[0-9]{6}\*{8}[0-9]{3}[0-9X]');
UPDATE high_risk_persons SET person_mask = left(person_mask, 6) || '************' WHERE regexp_full_match(person_mask, '[0-9]{6}\*{8}[0-9]{3}[0-9X]');
UPDATE national_rescreen SET person_mask = left(person_mask, 6) || '************' WHERE regexp_full_match(person_mask, '[0-9]{6}\*{8}[0-9]{3}[0-9X]');
