CREATE TABLE "digital_id_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sid" text NOT NULL,
	"messenger_user_id" bigint NOT NULL,
	"chat_id" bigint NOT NULL,
	"account_id" text NOT NULL,
	"scenario" text NOT NULL,
	"locale" text NOT NULL,
	"message_id" integer,
	"seq" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'live' NOT NULL,
	"end_reason" text,
	"started_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "digital_id_sessions_sid_unique" UNIQUE("sid")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "digital_id_one_live_per_user" ON "digital_id_sessions" USING btree ("messenger_user_id") WHERE "digital_id_sessions"."status" = 'live';--> statement-breakpoint
CREATE INDEX "digital_id_sessions_account_idx" ON "digital_id_sessions" USING btree ("account_id");