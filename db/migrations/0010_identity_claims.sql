CREATE TYPE "public"."identity_proof" AS ENUM('claimed', 'document', 'signature');--> statement-breakpoint
DROP INDEX "applicants_iin_index";--> statement-breakpoint
ALTER TABLE "applicants" ADD COLUMN "identity_proof" "identity_proof" DEFAULT 'claimed' NOT NULL;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "submitted_child" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "applicants_claimed_account_iin" ON "applicants" USING btree ("telegram_user_id","iin") WHERE "applicants"."identity_proof" = 'claimed';--> statement-breakpoint
CREATE UNIQUE INDEX "applicants_proven_iin" ON "applicants" USING btree ("iin") WHERE "applicants"."identity_proof" <> 'claimed';--> statement-breakpoint
CREATE INDEX "applicants_iin_index" ON "applicants" USING btree ("iin");--> statement-breakpoint
-- Records made before this migration were shared by IIN across channels. A record whose
-- applications all came through the portal or in person keeps what that channel proved; one
-- that the bot wrote to as well stays a claim (its contacts may be anyone's who typed the IIN).
UPDATE "applicants" p SET "identity_proof" = CASE
    WHEN EXISTS (SELECT 1 FROM "applications" a WHERE a."applicant_id" = p."id" AND a."channel" = 'portal') THEN 'signature'::"identity_proof"
    ELSE 'document'::"identity_proof" END
  WHERE EXISTS (SELECT 1 FROM "applications" a WHERE a."applicant_id" = p."id")
    AND NOT EXISTS (SELECT 1 FROM "applications" a WHERE a."applicant_id" = p."id" AND a."channel" = 'bot');
