"""The read side: the charts, the clinician report and the CSV export, with the periods and
statistics they count over. Nothing here changes a record (and nothing imports
`seizures.recording`): every figure comes from queries on the child's live episodes."""
