CREATE TABLE "workspace_account" (
	"workspace_id" text NOT NULL,
	"account_id" text NOT NULL,
	"code" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"type" text DEFAULT '' NOT NULL,
	CONSTRAINT "workspace_account_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "reminder_schedule" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"enabled" boolean NOT NULL,
	"weekdays" jsonb NOT NULL,
	"time" text NOT NULL,
	"time_zone" text NOT NULL,
	"next_send_at" timestamp with time zone,
	"updated_by" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminder_sent" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"slot" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" text,
	"open_questions" integer NOT NULL,
	"state" text NOT NULL,
	"message_id" text,
	"error" text,
	"claimed_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "workspace" ADD COLUMN "client_account_choice" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace" ADD COLUMN "client_account_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "client_account_id" text;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "client_account_code" text;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "client_account_name" text;--> statement-breakpoint
ALTER TABLE "workspace_account" ADD CONSTRAINT "workspace_account_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_schedule" ADD CONSTRAINT "reminder_schedule_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_schedule" ADD CONSTRAINT "reminder_schedule_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_schedule" ADD CONSTRAINT "reminder_schedule_updated_by_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_sent" ADD CONSTRAINT "reminder_sent_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_sent" ADD CONSTRAINT "reminder_sent_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_sent" ADD CONSTRAINT "reminder_sent_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_sent" ADD CONSTRAINT "reminder_sent_requested_by_user_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reminder_schedule_due_idx" ON "reminder_schedule" USING btree ("next_send_at") WHERE "reminder_schedule"."enabled";--> statement-breakpoint
CREATE UNIQUE INDEX "reminder_sent_once" ON "reminder_sent" USING btree ("workspace_id","slot","user_id");--> statement-breakpoint
CREATE INDEX "reminder_sent_workspace_idx" ON "reminder_sent" USING btree ("workspace_id","claimed_at");--> statement-breakpoint
CREATE INDEX "client_task_workspace_status_idx" ON "client_task" USING btree ("workspace_id","status","created_at");