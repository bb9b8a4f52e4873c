CREATE TABLE "application_telegram_links" (
	"id" serial PRIMARY KEY NOT NULL,
	"application_id" integer NOT NULL,
	"telegram_user_id" bigint NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "application_telegram_links" ADD CONSTRAINT "application_telegram_links_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "application_telegram_links_application_id_telegram_user_id_index" ON "application_telegram_links" USING btree ("application_id","telegram_user_id");--> statement-breakpoint
CREATE INDEX "application_telegram_links_telegram_user_id_index" ON "application_telegram_links" USING btree ("telegram_user_id");--> statement-breakpoint
CREATE INDEX "representatives_telegram_user_id_index" ON "representatives" USING btree ("telegram_user_id");--> statement-breakpoint
CREATE INDEX "applications_representative_id_index" ON "applications" USING btree ("representative_id");--> statement-breakpoint
-- Update dedupe (bot/middlewares/dedupe.ts) writes one row per Telegram update. Unlogged: no
-- WAL flush per update (a logged insert costs a synchronous commit, ~1k/s on a slow disk); after
-- a server crash the table is empty, which only reopens the window for a redelivered update.
ALTER TABLE "processed_updates" SET UNLOGGED;
