-- Tributary warehouse schema, version 2 (applied once; WarehouseSchema records it in tributary_schema_history).
--
-- A reading is identified by (device_id, seq, event_time), not (device_id, seq): a device that reboots counts
-- from 0 again, and its new readings must not be taken for the old ones with the same seq (the immutable MERGE
-- would keep the old row and drop the new one). A true copy of a reading carries its event time too, so a replay
-- still writes nothing twice.
ALTER TABLE readings DROP CONSTRAINT readings_pkey;
ALTER TABLE readings ADD PRIMARY KEY (device_id, seq, event_time);
