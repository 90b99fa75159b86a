CREATE INDEX "digital_id_live_app_sessions_ends_idx" ON "digital_id_sessions" USING btree ("ends_at") WHERE "digital_id_sessions"."status" = 'live' and "digital_id_sessions"."channel" = 'app';--> statement-breakpoint
ALTER TABLE "digital_id_sessions" DROP COLUMN "app_qr_token";--> statement-breakpoint
ALTER TABLE "digital_id_sessions" DROP COLUMN "app_qr_refresh_at";