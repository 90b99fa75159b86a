ALTER TABLE "processed_updates" ADD COLUMN "state" text DEFAULT 'done' NOT NULL;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "holder" text;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "payload" jsonb;--> statement-breakpoint
CREATE INDEX "processed_updates_handling_idx" ON "processed_updates" USING btree ("bot_id","lease_until") WHERE "processed_updates"."state" = 'handling';