-- supplyrisk 0.1.0 -> 0.2.0, run by ALTER EXTENSION supplyrisk UPDATE.
-- Hand-written: each change of 0.2.0 adds its step here in the same commit as its
-- source in sql/src/. test/upgrade.sh proves that an updated database equals a
-- fresh 0.2.0 install object for object, with every user row kept.

\echo Use "ALTER EXTENSION supplyrisk UPDATE TO '0.2.0'" to load this file. \quit
