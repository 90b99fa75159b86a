-- A session keeps the refresh interval and token lifetime it opened with. The defaults (the
-- settings' own) serve the rows before it and those a process of the release before writes
-- while a release rolls: this migration needs no stop.
ALTER TABLE "digital_id_sessions" ADD COLUMN "refresh_seconds" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "digital_id_sessions" ADD COLUMN "token_ttl_seconds" integer DEFAULT 45 NOT NULL;