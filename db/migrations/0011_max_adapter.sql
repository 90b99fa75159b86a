CREATE TABLE "max_messages" (
	"bot_id" bigint NOT NULL,
	"alias" bigint NOT NULL,
	"mid" text NOT NULL,
	"chat_id" bigint NOT NULL,
	"text" text,
	"attachments" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "max_messages_bot_id_alias_pk" PRIMARY KEY("bot_id","alias")
);
--> statement-breakpoint
CREATE TABLE "messenger_cursor" (
	"bot_id" bigint PRIMARY KEY NOT NULL,
	"marker" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadcasts" ALTER COLUMN "status_message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "digital_id_sessions" ALTER COLUMN "message_id" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "outgoing_messages" ALTER COLUMN "sent_message_id" SET DATA TYPE bigint;--> statement-breakpoint
CREATE INDEX "max_messages_updated_idx" ON "max_messages" USING btree ("updated_at");