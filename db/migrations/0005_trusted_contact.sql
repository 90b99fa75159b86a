CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"account_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "recovery_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trustor_account_id" text NOT NULL,
	"contact_account_id" text NOT NULL,
	"trust_link_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"callback_delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "trust_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trustor_account_id" text NOT NULL,
	"contact_account_id" text,
	"contact_name" text NOT NULL,
	"contact_phone_masked" text NOT NULL,
	"status" text NOT NULL,
	"delivered" boolean DEFAULT false NOT NULL,
	"invited_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"close_reason" text
);
--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "recovery_requests_trustor_idx" ON "recovery_requests" USING btree ("trustor_account_id","created_at");--> statement-breakpoint
CREATE INDEX "recovery_requests_status_idx" ON "recovery_requests" USING btree ("status","expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "trust_links_one_invitation" ON "trust_links" USING btree ("trustor_account_id") WHERE "trust_links"."status" = 'invited';--> statement-breakpoint
CREATE UNIQUE INDEX "trust_links_one_active" ON "trust_links" USING btree ("trustor_account_id") WHERE "trust_links"."status" = 'active';--> statement-breakpoint
CREATE INDEX "trust_links_contact_idx" ON "trust_links" USING btree ("contact_account_id","status");