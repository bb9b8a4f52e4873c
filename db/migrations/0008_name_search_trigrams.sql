-- The panel's search box finds applications by part of a child's or applicant's name
-- (ILIKE '%…%', any case, Kazakh and Russian letters). A btree cannot serve a pattern with a
-- leading wildcard, so the names get trigram GIN indexes. pg_trgm is a trusted extension on
-- PostgreSQL 13+ (the database owner may create it); PGlite loads it from its contrib bundle
-- (db/client.ts passes it to every PGlite it opens).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "applicants_full_name_trgm" ON "applicants" USING gin ("full_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "children_full_name_trgm" ON "children" USING gin ("full_name" gin_trgm_ops);
