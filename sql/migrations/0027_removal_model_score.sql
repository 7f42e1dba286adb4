-- Issue 23 (item 2): a removal made by a trained model carries the model's score, so a reviewer can
-- sort the model's removals by confidence and a source's veto can be decided on evidence. Rules'
-- removals leave it NULL.
ALTER TABLE removals ADD COLUMN score real;

COMMENT ON COLUMN removals.score IS 'For a trained model''s removal (rule model.furniture: pipeline/clean/furniture.py), the probability the model gave the paragraph of being furniture (it was removed at settings furniture_model.threshold or above); NULL for a rule''s or a step''s removal.';
