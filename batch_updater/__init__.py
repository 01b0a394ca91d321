"""batch-updater: apply a spreadsheet of helpdesk-ticket changes to Feishu / Lark."""
