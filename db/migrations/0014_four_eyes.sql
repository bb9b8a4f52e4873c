ALTER TABLE "applications" ADD COLUMN "priority_first_approver_id" integer;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "priority_first_approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "priority_second_approver_id" integer;--> statement-breakpoint
CREATE INDEX "applications_awaiting_second_approval" ON "applications" USING btree ("district_id","priority_first_approved_at") WHERE "applications"."priority_first_approver_id" is not null and "applications"."priority_second_approver_id" is null;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_two_approvers_check" CHECK ("applications"."priority_first_approver_id" <> "applications"."priority_second_approver_id");