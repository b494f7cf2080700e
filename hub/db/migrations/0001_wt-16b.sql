CREATE TABLE "workspace_account" (
	"workspace_id" text NOT NULL,
	"account_id" text NOT NULL,
	"code" text DEFAULT '' NOT NULL,
	"name" text NOT NULL,
	"type" text DEFAULT '' NOT NULL,
	CONSTRAINT "workspace_account_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
ALTER TABLE "workspace" ADD COLUMN "client_account_choice" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace" ADD COLUMN "client_account_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "client_account_id" text;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "client_account_code" text;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "client_account_name" text;--> statement-breakpoint
ALTER TABLE "workspace_account" ADD CONSTRAINT "workspace_account_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_task_workspace_status_idx" ON "client_task" USING btree ("workspace_id","status","created_at");