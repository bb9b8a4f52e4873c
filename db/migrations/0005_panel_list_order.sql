DROP INDEX "applications_district_id_status_birth_year_language_index";--> statement-breakpoint
CREATE INDEX "applications_district_queue_order" ON "applications" USING btree ("district_id","status","birth_year","language","queue_category","registered_at","id");--> statement-breakpoint
CREATE INDEX "applications_child_id_index" ON "applications" USING btree ("child_id");