-- Codes and SMS counters keep a keyed hash of the number, never the number. The rows already
-- there hold numbers in clear and the key is not in the database: being codes of ten minutes
-- and counters of one day, they are dropped rather than hashed.
DELETE FROM "otp_challenges";--> statement-breakpoint
DELETE FROM "sms_daily_counts";--> statement-breakpoint
ALTER TABLE "sms_daily_counts" DROP CONSTRAINT "sms_daily_counts_phone_day_pk";--> statement-breakpoint
ALTER TABLE "otp_challenges" DROP COLUMN "phone";--> statement-breakpoint
ALTER TABLE "sms_daily_counts" DROP COLUMN "phone";--> statement-breakpoint
ALTER TABLE "otp_challenges" ADD COLUMN "phone_hash" text NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_daily_counts" ADD COLUMN "phone_hash" text NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_daily_counts" ADD CONSTRAINT "sms_daily_counts_phone_hash_day_pk" PRIMARY KEY("phone_hash","day");
