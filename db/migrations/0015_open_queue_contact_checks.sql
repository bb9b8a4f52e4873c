CREATE TABLE "contact_checks" (
	"id" serial PRIMARY KEY NOT NULL,
	"applicant_id" integer NOT NULL,
	"reason" text NOT NULL,
	"asked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"outcome" text,
	"closed_by" integer
);
--> statement-breakpoint
CREATE TABLE "open_queue_codes" (
	"application_id" integer PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	CONSTRAINT "open_queue_codes_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "open_queue_exports" (
	"queue_id" integer NOT NULL,
	"day" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rows" jsonb NOT NULL,
	"lookup" jsonb NOT NULL,
	CONSTRAINT "open_queue_exports_queue_id_day_pk" PRIMARY KEY("queue_id","day")
);
--> statement-breakpoint
ALTER TABLE "contact_checks" ADD CONSTRAINT "contact_checks_applicant_id_applicants_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "public"."applicants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open_queue_codes" ADD CONSTRAINT "open_queue_codes_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_checks_one_open" ON "contact_checks" USING btree ("applicant_id") WHERE "contact_checks"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "contact_checks_due" ON "contact_checks" USING btree ("due_at") WHERE "contact_checks"."closed_at" is null;