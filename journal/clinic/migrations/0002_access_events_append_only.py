from django.db import migrations

from backrelease.common.schema_changes import SetLockTimeout

# An access event is never changed: only the member's link may be cut (their account deleted, the
# name kept); rows go only with the patient's account or the practice.
FORWARD = """
CREATE FUNCTION clinic_access_event_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.person_id, NEW.practice_id, NEW.member_name, NEW.what, NEW.detail, NEW.at,
        NEW.client, NEW.client_key)
       IS DISTINCT FROM
       (OLD.id, OLD.person_id, OLD.practice_id, OLD.member_name, OLD.what, OLD.detail, OLD.at,
        OLD.client, OLD.client_key)
       OR (NEW.member_id IS NOT NULL AND NEW.member_id IS DISTINCT FROM OLD.member_id) THEN
        RAISE EXCEPTION 'access events are append-only' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER access_event_append_only BEFORE UPDATE ON clinic_accessevent
    FOR EACH ROW EXECUTE FUNCTION clinic_access_event_unchanged();
"""
BACKWARD = """
DROP TRIGGER access_event_append_only ON clinic_accessevent;
DROP FUNCTION clinic_access_event_unchanged();
"""


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [SetLockTimeout(), migrations.RunSQL(FORWARD, BACKWARD)]
