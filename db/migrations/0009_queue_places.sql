CREATE TABLE "queue_places" (
	"queue_id" integer NOT NULL,
	"month" date NOT NULL,
	"places" integer NOT NULL,
	CONSTRAINT "queue_places_queue_id_month_pk" PRIMARY KEY("queue_id","month")
);
--> statement-breakpoint
-- The calendar month (Almaty) a referral was issued in: one definition for the trigger and the backfill.
CREATE OR REPLACE FUNCTION places_month(issued timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_trunc('month', issued AT TIME ZONE 'Asia/Almaty')::date $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION queue_places_bump(application integer, issued timestamptz, d integer) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_places AS qp (queue_id, month, places)
  SELECT a.queue_id, places_month(issued), d FROM applications a WHERE a.id = application
  ON CONFLICT (queue_id, month) DO UPDATE SET places = qp.places + excluded.places;
END $$;
--> statement-breakpoint
-- Keeps queue_places equal to the issued referrals, whatever writes them.
CREATE OR REPLACE FUNCTION referrals_queue_places() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.issued_at IS NOT DISTINCT FROM NEW.issued_at AND OLD.application_id = NEW.application_id THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.issued_at IS NOT NULL THEN
    PERFORM queue_places_bump(OLD.application_id, OLD.issued_at, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.issued_at IS NOT NULL THEN
    PERFORM queue_places_bump(NEW.application_id, NEW.issued_at, 1);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER referrals_queue_places
  AFTER INSERT OR DELETE OR UPDATE OF issued_at, application_id ON referrals
  FOR EACH ROW EXECUTE FUNCTION referrals_queue_places();
--> statement-breakpoint
INSERT INTO queue_places (queue_id, month, places)
  SELECT a.queue_id, places_month(r.issued_at), count(*)
  FROM referrals r JOIN applications a ON a.id = r.application_id
  WHERE r.issued_at IS NOT NULL
  GROUP BY 1, 2;
