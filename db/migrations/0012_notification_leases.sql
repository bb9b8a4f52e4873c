ALTER TYPE "public"."notification_status" ADD VALUE 'claimed' BEFORE 'sending';--> statement-breakpoint
CREATE TABLE "telegram_unreachable" (
	"telegram_user_id" bigint PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"error" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"notification_id" bigint
);
--> statement-breakpoint
DROP INDEX "notifications_due";--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "priority" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "maybe_delivered" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "chat_id" bigint;--> statement-breakpoint
CREATE INDEX "notifications_leased" ON "notifications" USING btree ("claimed_at") WHERE "notifications"."status" not in ('pending', 'sent', 'failed');--> statement-breakpoint
CREATE INDEX "notifications_failed_chat" ON "notifications" USING btree ("chat_id") WHERE "notifications"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "notifications_due" ON "notifications" USING btree ("priority" DESC NULLS LAST,"due_at","id") WHERE "notifications"."status" = 'pending';--> statement-breakpoint
-- Rows an earlier version marked as possible repeats by a prefix of last_error; waiting
-- time-critical rows go first from now on.
UPDATE "notifications" SET "maybe_delivered" = true WHERE "last_error" LIKE 'uncertain: %';--> statement-breakpoint
UPDATE "notifications" SET "priority" = 1
  WHERE "status" = 'pending' AND "kind" IN ('status_offer', 'status_confirm', 'reminder_offered', 'reminder_issued');
