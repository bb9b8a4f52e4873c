-- Human-readable application numbers.
CREATE SEQUENCE IF NOT EXISTS application_number_seq;
--> statement-breakpoint
-- Referral numbers.
CREATE SEQUENCE IF NOT EXISTS referral_number_seq;
--> statement-breakpoint
-- The day bucket of a registration time. One definition for the trigger and core/position.ts.
CREATE OR REPLACE FUNCTION queue_day(r timestamptz) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT floor(extract(epoch FROM r) / 86400)::integer $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION queue_counts_bump(q integer, c smallint, r timestamptz, d integer) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  day integer := queue_day(r);
BEGIN
  INSERT INTO queue_counts AS qc (queue_id, category, level, bucket, n)
  VALUES (q, c, 0, 0, d), (q, c, 1, day / 32, d), (q, c, 2, day, d)
  ON CONFLICT (queue_id, category, level, bucket) DO UPDATE SET n = qc.n + excluded.n;
END $$;
--> statement-breakpoint
-- Keeps queue_counts equal to the waiting applications, whatever writes them.
CREATE OR REPLACE FUNCTION applications_queue_counts() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.status = 'registered' AND NEW.status = 'registered'
       AND OLD.queue_id = NEW.queue_id AND OLD.queue_category = NEW.queue_category
       AND OLD.registered_at = NEW.registered_at THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF OLD.status = 'registered' THEN
      PERFORM queue_counts_bump(OLD.queue_id, OLD.queue_category, OLD.registered_at, -1);
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    IF NEW.status = 'registered' THEN
      PERFORM queue_counts_bump(NEW.queue_id, NEW.queue_category, NEW.registered_at, 1);
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER applications_queue_counts
  AFTER INSERT OR DELETE OR UPDATE OF status, queue_id, queue_category, registered_at ON applications
  FOR EACH ROW EXECUTE FUNCTION applications_queue_counts();
--> statement-breakpoint
-- After bulk loads made with the trigger disabled (seeds, benchmarks).
CREATE OR REPLACE FUNCTION rebuild_queue_counts() RETURNS void
  LANGUAGE sql AS $$
  DELETE FROM queue_counts;
  INSERT INTO queue_counts (queue_id, category, level, bucket, n)
    SELECT queue_id, queue_category, 2, queue_day(registered_at), count(*)
    FROM applications WHERE status = 'registered'
    GROUP BY 1, 2, 4;
  INSERT INTO queue_counts (queue_id, category, level, bucket, n)
    SELECT queue_id, category, 1, bucket / 32, sum(n) FROM queue_counts WHERE level = 2 GROUP BY 1, 2, 4;
  INSERT INTO queue_counts (queue_id, category, level, bucket, n)
    SELECT queue_id, category, 0, 0, sum(n) FROM queue_counts WHERE level = 2 GROUP BY 1, 2;
$$;
