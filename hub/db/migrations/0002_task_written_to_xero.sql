ALTER TABLE "client_task" ADD COLUMN "client_account_accepted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "written_to_xero_by" text;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "written_to_xero_by_name" text;--> statement-breakpoint
ALTER TABLE "client_task" ADD COLUMN "written_to_xero_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "client_task" ADD CONSTRAINT "client_task_written_to_xero_by_user_id_fk" FOREIGN KEY ("written_to_xero_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;