"""Members (会员): registration, headquarters' audit, tiers, points ledger, purchases."""
