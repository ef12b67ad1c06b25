"""Import from another diary or a spreadsheet: a CSV file read (reading), its columns mapped to
the diary's fields (mapping), each row turned into a seizure or a list of problems (rows), the
whole file planned before anything is saved (plan). `seizures.recording.import_episodes`
saves a plan, all or nothing."""
