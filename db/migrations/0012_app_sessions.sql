ALTER TABLE "digital_id_sessions" ADD COLUMN "channel" text DEFAULT 'chat' NOT NULL;--> statement-breakpoint
ALTER TABLE "digital_id_sessions" ADD COLUMN "app_qr_token" text;--> statement-breakpoint
ALTER TABLE "digital_id_sessions" ADD COLUMN "app_qr_refresh_at" timestamp with time zone;