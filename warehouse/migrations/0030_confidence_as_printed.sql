-- Text read in images is scored as print shows it (checks/images/as_printed.py): the engine's doubt whether a
-- stroke is a capital I, a lower-case l or a 1 no longer counts against the word, since the rules read them alike.
-- Readings stored before keep the engine's own figure (an image is read once ever): lower, never higher; their
-- raw.image_readings.reader does not say "scored as printed".
COMMENT ON COLUMN raw.image_text.confidence IS 'The engine''s confidence in the line''s least certain word (0..1), not counting a doubt between I, l and 1.';
COMMENT ON COLUMN raw.image_text.word_confidences IS 'Each word''s confidence (0..1), in order; a reading whose reader lacks "scored as printed" counts the I/l/1 doubt.';
