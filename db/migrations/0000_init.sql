CREATE TYPE "public"."actor_type" AS ENUM('parent', 'staff', 'system');--> statement-breakpoint
CREATE TYPE "public"."application_status" AS ENUM('submitted', 'registered', 'offered', 'referred', 'enrolled', 'refused', 'withdrawn', 'lapsed');--> statement-breakpoint
CREATE TYPE "public"."channel" AS ENUM('bot', 'office', 'centre', 'portal');--> statement-breakpoint
CREATE TYPE "public"."document_kind" AS ENUM('birth_certificate', 'identity', 'priority_proof', 'power_of_attorney', 'referral', 'registration_notice', 'other');--> statement-breakpoint
CREATE TYPE "public"."language" AS ENUM('kk', 'ru');--> statement-breakpoint
CREATE TYPE "public"."notification_status" AS ENUM('pending', 'sending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."position_reason" AS ENUM('registered', 'placed', 'withdrawn', 'refused', 'lapsed', 'returned', 'category_changed', 'resort', 'correction');--> statement-breakpoint
CREATE TYPE "public"."priority_category" AS ENUM('none', 'military', 'special_state_body', 'killed_in_service', 'disabled_parent', 'no_parental_care', 'orphan', 'large_family', 'war_veteran', 'special_needs', 'teacher');--> statement-breakpoint
CREATE TYPE "public"."proof_state" AS ENUM('none', 'pending', 'verified', 'rejected', 'expired');--> statement-breakpoint
CREATE TYPE "public"."referral_status" AS ENUM('offered', 'issued', 'declined', 'lapsed', 'enrolled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('admin', 'district_staff', 'call_centre', 'auditor');--> statement-breakpoint
CREATE TYPE "public"."verification" AS ENUM('pending', 'verified', 'rejected');--> statement-breakpoint
CREATE TABLE "districts" (
	"id" serial PRIMARY KEY NOT NULL,
	"locality_id" integer NOT NULL,
	"code" text NOT NULL,
	"name_kk" text NOT NULL,
	"name_ru" text NOT NULL,
	CONSTRAINT "districts_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" serial PRIMARY KEY NOT NULL,
	"kindergarten_id" integer NOT NULL,
	"name" text NOT NULL,
	"birth_year" smallint NOT NULL,
	"language" "language" NOT NULL,
	"capacity" integer NOT NULL,
	"enrolled" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "groups_capacity_check" CHECK ("groups"."capacity" >= 0 and "groups"."enrolled" >= 0 and "groups"."enrolled" <= "groups"."capacity")
);
--> statement-breakpoint
CREATE TABLE "kindergartens" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"number" integer NOT NULL,
	"name_kk" text NOT NULL,
	"name_ru" text NOT NULL,
	"address_kk" text NOT NULL,
	"address_ru" text NOT NULL,
	"phone" text,
	"languages" "language"[] NOT NULL,
	"active" smallint DEFAULT 1 NOT NULL,
	CONSTRAINT "kindergartens_districtId_number_unique" UNIQUE("district_id","number")
);
--> statement-breakpoint
CREATE TABLE "localities" (
	"id" serial PRIMARY KEY NOT NULL,
	"kato" text NOT NULL,
	"name_kk" text NOT NULL,
	"name_ru" text NOT NULL,
	CONSTRAINT "localities_kato_unique" UNIQUE("kato")
);
--> statement-breakpoint
CREATE TABLE "applicant_telegram_links" (
	"id" serial PRIMARY KEY NOT NULL,
	"applicant_id" integer NOT NULL,
	"telegram_user_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "applicants" (
	"id" serial PRIMARY KEY NOT NULL,
	"iin" text NOT NULL,
	"full_name" text NOT NULL,
	"phones" text[] DEFAULT '{}' NOT NULL,
	"phone_verified_at" timestamp with time zone,
	"address" text,
	"telegram_user_id" bigint,
	"language" "language" DEFAULT 'kk' NOT NULL,
	"consent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "children" (
	"id" serial PRIMARY KEY NOT NULL,
	"iin" text NOT NULL,
	"full_name" text NOT NULL,
	"birth_date" date NOT NULL,
	"birth_certificate_number" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "representatives" (
	"id" serial PRIMARY KEY NOT NULL,
	"iin" text NOT NULL,
	"full_name" text NOT NULL,
	"phone" text,
	"telegram_user_id" bigint,
	"poa_number" text NOT NULL,
	"poa_date" date NOT NULL,
	"poa_issuer" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"child_id" integer NOT NULL,
	"applicant_id" integer NOT NULL,
	"representative_id" integer,
	"district_id" integer NOT NULL,
	"queue_id" integer NOT NULL,
	"birth_year" smallint NOT NULL,
	"language" "language" NOT NULL,
	"kindergarten_ids" integer[] NOT NULL,
	"priority_category" "priority_category" DEFAULT 'none' NOT NULL,
	"priority_proof" "proof_state" DEFAULT 'none' NOT NULL,
	"priority_proof_valid_until" timestamp with time zone,
	"queue_category" smallint DEFAULT 2 NOT NULL,
	"channel" "channel" NOT NULL,
	"status" "application_status" DEFAULT 'submitted' NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queue_number" integer,
	"stop_until" timestamp with time zone,
	"twin_group_id" integer,
	"refusal_reason" text,
	"refusal_comment" text,
	"mother_workplace" text,
	"father_workplace" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_queue_category_check" CHECK ("applications"."queue_category" between 0 and 2),
	CONSTRAINT "applications_kindergartens_check" CHECK (cardinality("applications"."kindergarten_ids") between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"application_id" integer,
	"applicant_id" integer,
	"kind" "document_kind" NOT NULL,
	"file_name" text,
	"mime_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea",
	"storage_key" text,
	"telegram_file_id" text,
	"verification" "verification" DEFAULT 'pending' NOT NULL,
	"verified_by" integer,
	"verified_at" timestamp with time zone,
	"verification_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_stored_check" CHECK ("documents"."content" is not null or "documents"."storage_key" is not null)
);
--> statement-breakpoint
CREATE TABLE "position_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "position_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" "position_reason" NOT NULL,
	"application_id" integer NOT NULL,
	"category" smallint NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"delta" smallint NOT NULL,
	"phase_before" smallint NOT NULL,
	"phase_after" smallint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_counts" (
	"queue_id" integer NOT NULL,
	"category" smallint NOT NULL,
	"level" smallint NOT NULL,
	"bucket" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "queue_counts_queue_id_category_level_bucket_pk" PRIMARY KEY("queue_id","category","level","bucket")
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"birth_year" smallint NOT NULL,
	"language" "language" NOT NULL,
	"phase" smallint DEFAULT 3 NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "queues_phase_check" CHECK ("queues"."phase" >= 0)
);
--> statement-breakpoint
CREATE TABLE "allocation_rounds" (
	"id" serial PRIMARY KEY NOT NULL,
	"district_id" integer NOT NULL,
	"status" text DEFAULT 'preview' NOT NULL,
	"plan" jsonb NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"committed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" text,
	"application_id" integer NOT NULL,
	"group_id" integer NOT NULL,
	"round_id" integer,
	"status" "referral_status" DEFAULT 'offered' NOT NULL,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirm_by" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone,
	"present_by" timestamp with time zone,
	"extended_until" timestamp with time zone,
	"extensions" smallint DEFAULT 0 NOT NULL,
	"closed_at" timestamp with time zone,
	"signature" text,
	"created_by" integer
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" serial PRIMARY KEY NOT NULL,
	"login" text NOT NULL,
	"full_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"roles" "staff_role"[] NOT NULL,
	"district_ids" integer[] DEFAULT '{}' NOT NULL,
	"language" "language" DEFAULT 'ru' NOT NULL,
	"active" integer DEFAULT 1 NOT NULL,
	"must_change_password" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" integer,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" integer,
	"from_state" text,
	"to_state" text,
	"reason" text,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "bot_sessions" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" serial PRIMARY KEY NOT NULL,
	"applicant_id" integer,
	"application_id" integer,
	"language" "language",
	"within_deadline" smallint,
	"process" smallint,
	"information" smallint,
	"electronic" smallint,
	"complaints" smallint,
	"courtesy" smallint,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dedupe_key" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"applicant_id" integer NOT NULL,
	"application_id" integer,
	"kind" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" text,
	"status" "notification_status" DEFAULT 'pending' NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "policy_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"update_id" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "districts" ADD CONSTRAINT "districts_locality_id_localities_id_fk" FOREIGN KEY ("locality_id") REFERENCES "public"."localities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_kindergarten_id_kindergartens_id_fk" FOREIGN KEY ("kindergarten_id") REFERENCES "public"."kindergartens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kindergartens" ADD CONSTRAINT "kindergartens_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applicant_telegram_links" ADD CONSTRAINT "applicant_telegram_links_applicant_id_applicants_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."applicants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_child_id_children_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."children"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_applicant_id_applicants_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."applicants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_representative_id_representatives_id_fk" FOREIGN KEY ("representative_id") REFERENCES "public"."representatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_applicant_id_applicants_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."applicants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_district_id_districts_id_fk" FOREIGN KEY ("district_id") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_round_id_allocation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."allocation_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_applicant_id_applicants_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."applicants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_applicant_id_applicants_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."applicants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "groups_kindergarten_id_index" ON "groups" USING btree ("kindergarten_id");--> statement-breakpoint
CREATE INDEX "groups_birth_year_language_index" ON "groups" USING btree ("birth_year","language");--> statement-breakpoint
CREATE INDEX "kindergartens_district_id_index" ON "kindergartens" USING btree ("district_id");--> statement-breakpoint
CREATE UNIQUE INDEX "applicant_telegram_links_applicant_id_telegram_user_id_index" ON "applicant_telegram_links" USING btree ("applicant_id","telegram_user_id");--> statement-breakpoint
CREATE INDEX "applicant_telegram_links_telegram_user_id_index" ON "applicant_telegram_links" USING btree ("telegram_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "applicants_iin_index" ON "applicants" USING btree ("iin");--> statement-breakpoint
CREATE INDEX "applicants_telegram_user_id_index" ON "applicants" USING btree ("telegram_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "children_iin_index" ON "children" USING btree ("iin");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_number_index" ON "applications" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_one_active_per_child" ON "applications" USING btree ("child_id") WHERE "applications"."status" in ('submitted', 'registered', 'offered', 'referred');--> statement-breakpoint
CREATE INDEX "applications_queue_order" ON "applications" USING btree ("queue_id","queue_category","registered_at","id") WHERE "applications"."status" = 'registered';--> statement-breakpoint
CREATE INDEX "applications_applicant_id_index" ON "applications" USING btree ("applicant_id");--> statement-breakpoint
CREATE INDEX "applications_district_id_status_birth_year_language_index" ON "applications" USING btree ("district_id","status","birth_year","language");--> statement-breakpoint
CREATE INDEX "applications_status_created_at_index" ON "applications" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "documents_application_id_index" ON "documents" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "position_changes_queue_id_at_index" ON "position_changes" USING btree ("queue_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_district_id_birth_year_language_index" ON "queues" USING btree ("district_id","birth_year","language");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_number_index" ON "referrals" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_one_live_per_application" ON "referrals" USING btree ("application_id") WHERE "referrals"."status" in ('offered', 'issued');--> statement-breakpoint
CREATE INDEX "referrals_live_by_group" ON "referrals" USING btree ("group_id") WHERE "referrals"."status" in ('offered', 'issued');--> statement-breakpoint
CREATE INDEX "referrals_status_confirm_by_index" ON "referrals" USING btree ("status","confirm_by");--> statement-breakpoint
CREATE INDEX "staff_sessions_user_id_index" ON "staff_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_login_index" ON "staff_users" USING btree ("login");--> statement-breakpoint
CREATE INDEX "audit_log_entity_entity_id_index" ON "audit_log" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_index" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_type_actor_id_index" ON "audit_log" USING btree ("actor_type","actor_id");--> statement-breakpoint
CREATE INDEX "feedback_created_at_index" ON "feedback" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_dedupe_key_index" ON "jobs" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "jobs_due" ON "jobs" USING btree ("run_at") WHERE "jobs"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_key_index" ON "notifications" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_due" ON "notifications" USING btree ("due_at") WHERE "notifications"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "notifications_application_id_index" ON "notifications" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "processed_updates_at_index" ON "processed_updates" USING btree ("at");