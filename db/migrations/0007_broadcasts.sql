CREATE TABLE "broadcasts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"admin_user_id" bigint NOT NULL,
	"admin_chat_id" bigint NOT NULL,
	"status_message_id" integer,
	"text" text NOT NULL,
	"audience" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"total" integer,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "outgoing_messages" ADD COLUMN "broadcast_id" uuid;--> statement-breakpoint
CREATE INDEX "outgoing_messages_broadcast_idx" ON "outgoing_messages" USING btree ("broadcast_id","status");