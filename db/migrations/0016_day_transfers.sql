CREATE TABLE "day_transfers" (
	"id" serial PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"working" boolean NOT NULL,
	"decree" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "day_transfers_day_unique" UNIQUE("day")
);
