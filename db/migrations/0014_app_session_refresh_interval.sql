-- Sessions opened before this release take the default QR_REFRESH_SECONDS (30); a deployment
-- that ran another interval sees its live app sessions' windows renumbered once, at this upgrade.
ALTER TABLE "digital_id_sessions" ADD COLUMN "refresh_seconds" integer NOT NULL DEFAULT 30;--> statement-breakpoint
ALTER TABLE "digital_id_sessions" ALTER COLUMN "refresh_seconds" DROP DEFAULT;
