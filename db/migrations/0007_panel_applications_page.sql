-- One page of the panel's applications list in queue order (district, status, optionally cohort
-- and language), with the filter's total on every row. The busiest query of the panel: as a
-- plpgsql function its statements are planned once per session, and plan_cache_mode forces the
-- generic plan (PostgreSQL keeps re-planning the custom one, because LIMIT with a parameter
-- makes the generic plan look dearer than it is). Measured with pgbench, 1M applications,
-- 10 clients: 2.4k page/s with custom plans, 5.9k with this function. Parallel plans are off:
-- the generic plan cannot see that LIMIT is 25 and would start workers for every page.
-- The total: waiting children (status registered) from queue_counts' level-0 rows (exact, a few
-- rows per queue); other statuses are small sets and are counted. A page past the end returns
-- one row with a null id carrying the total.
CREATE OR REPLACE FUNCTION panel_applications_page(
  p_district integer, p_status application_status, p_birth_year smallint, p_language language,
  p_desc boolean, p_limit integer, p_offset integer)
  RETURNS TABLE ("id" integer, "number" text, "status" application_status, "districtId" integer,
    "birthYear" smallint, "language" language, "priorityCategory" priority_category,
    "priorityProof" proof_state, "queueCategory" smallint, "channel" channel,
    "registeredAt" timestamptz, "statusChangedAt" timestamptz, "queueNumber" integer,
    "childName" text, "childIin" text, "applicantName" text, "total" integer)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan
  -- RETURN QUERY may run in parallel; for 25 rows, starting workers costs 8 ms each call.
  SET max_parallel_workers_per_gather = 0
  AS $$
#variable_conflict use_column
DECLARE
  v_total integer;
BEGIN
  IF p_status = 'registered' THEN
    SELECT coalesce(sum(qc.n), 0)::integer INTO v_total
    FROM queues q JOIN queue_counts qc ON qc.queue_id = q.id
    WHERE q.district_id = p_district
      AND (p_birth_year IS NULL OR q.birth_year = p_birth_year)
      AND (p_language IS NULL OR q.language = p_language)
      AND qc.category IN (0, 1, 2) AND qc.level = 0 AND qc.bucket = 0;
  ELSE
    SELECT count(*)::integer INTO v_total FROM applications a
    WHERE a.district_id = p_district AND a.status = p_status
      AND (p_birth_year IS NULL OR a.birth_year = p_birth_year)
      AND (p_language IS NULL OR a.language = p_language);
  END IF;
  IF p_birth_year IS NULL AND p_language IS NULL THEN
    IF p_desc THEN
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status
    ORDER BY a.birth_year DESC, a.language DESC, a.queue_category DESC, a.registered_at DESC, a.id DESC
    LIMIT p_limit OFFSET p_offset;
    ELSE
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status
    ORDER BY a.birth_year, a.language, a.queue_category, a.registered_at, a.id
    LIMIT p_limit OFFSET p_offset;
    END IF;
  ELSIF p_language IS NULL THEN
    IF p_desc THEN
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status AND a.birth_year = p_birth_year
    ORDER BY a.birth_year DESC, a.language DESC, a.queue_category DESC, a.registered_at DESC, a.id DESC
    LIMIT p_limit OFFSET p_offset;
    ELSE
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status AND a.birth_year = p_birth_year
    ORDER BY a.birth_year, a.language, a.queue_category, a.registered_at, a.id
    LIMIT p_limit OFFSET p_offset;
    END IF;
  ELSIF p_birth_year IS NULL THEN
    IF p_desc THEN
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status AND a.language = p_language
    ORDER BY a.birth_year DESC, a.language DESC, a.queue_category DESC, a.registered_at DESC, a.id DESC
    LIMIT p_limit OFFSET p_offset;
    ELSE
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status AND a.language = p_language
    ORDER BY a.birth_year, a.language, a.queue_category, a.registered_at, a.id
    LIMIT p_limit OFFSET p_offset;
    END IF;
  ELSE
    IF p_desc THEN
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status AND a.birth_year = p_birth_year AND a.language = p_language
    ORDER BY a.birth_year DESC, a.language DESC, a.queue_category DESC, a.registered_at DESC, a.id DESC
    LIMIT p_limit OFFSET p_offset;
    ELSE
    RETURN QUERY SELECT a.id, a.number, a.status, a.district_id, a.birth_year, a.language, a.priority_category, a.priority_proof,
      a.queue_category, a.channel, a.registered_at, a.status_changed_at, a.queue_number,
      c.full_name, c.iin, p.full_name, v_total
    FROM applications a JOIN children c ON c.id = a.child_id JOIN applicants p ON p.id = a.applicant_id
    WHERE a.district_id = p_district AND a.status = p_status AND a.birth_year = p_birth_year AND a.language = p_language
    ORDER BY a.birth_year, a.language, a.queue_category, a.registered_at, a.id
    LIMIT p_limit OFFSET p_offset;
    END IF;
  END IF;
  IF NOT FOUND THEN
    RETURN QUERY SELECT NULL::integer, NULL::text, NULL::application_status, NULL::integer, NULL::smallint,
      NULL::language, NULL::priority_category, NULL::proof_state, NULL::smallint, NULL::channel,
      NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::text, NULL::text, NULL::text, v_total;
  END IF;
END $$;
