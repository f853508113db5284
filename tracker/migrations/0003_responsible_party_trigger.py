"""PostgreSQL holds the rule "a responsible party is a party of the agreement" itself.

Forms and services check it first with a clear message; these triggers stop any other path
(raw SQL, a bug) from breaking it. SQLite, the embedded default, relies on the checks alone.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION tracker_responsible_party_check() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM tracker_commitment c
        JOIN tracker_agreement_parties ap
          ON ap.agreement_id = c.agreement_id AND ap.party_id = NEW.party_id
        WHERE c.id = NEW.commitment_id
    ) THEN
        RAISE EXCEPTION 'party % is not a party of the agreement of commitment %',
            NEW.party_id, NEW.commitment_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER tracker_responsible_party_check
    BEFORE INSERT OR UPDATE ON tracker_commitment_responsible_parties
    FOR EACH ROW EXECUTE FUNCTION tracker_responsible_party_check();

CREATE FUNCTION tracker_agreement_party_still_responsible() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM tracker_commitment_responsible_parties rp
        JOIN tracker_commitment c ON c.id = rp.commitment_id
        WHERE c.agreement_id = OLD.agreement_id AND rp.party_id = OLD.party_id
    ) THEN
        RAISE EXCEPTION 'party % is responsible for commitments of agreement % and cannot leave it',
            OLD.party_id, OLD.agreement_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER tracker_agreement_party_still_responsible
    BEFORE DELETE ON tracker_agreement_parties
    FOR EACH ROW EXECUTE FUNCTION tracker_agreement_party_still_responsible();
"""

DROP = """
DROP TRIGGER IF EXISTS tracker_agreement_party_still_responsible ON tracker_agreement_parties;
DROP FUNCTION IF EXISTS tracker_agreement_party_still_responsible();
DROP TRIGGER IF EXISTS tracker_responsible_party_check ON tracker_commitment_responsible_parties;
DROP FUNCTION IF EXISTS tracker_responsible_party_check();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_role_groups")]

    operations = [migrations.RunPython(create, drop)]
