"""The clinician's side: practices with a share code, clinician accounts with a second factor, the
patients who granted a practice access, the workspace that lists them, and every look a member
takes, kept for the patient to see."""
