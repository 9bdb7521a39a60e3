import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordsToCsv } from '../../../src/core/report/csv';
import { fakeRecord } from './records';

test('CSV has one row per image, per-scale and per-class columns, and quotes awkward names', () => {
  const csv = recordsToCsv(
    [fakeRecord('a,"b"'), fakeRecord('c', { ce: null, largestHotSpot: null })],
    [2, 4],
    ['bg', 'cat', 'dog'],
  )
    .trimEnd()
    .split('\n');
  assert.equal(csv.length, 3);
  assert.equal(
    csv[0],
    'name,prediction,label,width,height,valid_pixels,ce,adaptive,adaptive_k2,adaptive_k4,merge_effect,miou,pixel_accuracy,iou_bg,iou_cat,iou_dog,boundary_miou,boundary_iou_bg,boundary_iou_cat,boundary_iou_dog,' +
      'mean_accuracy,mean_dice,hotspot_class,hotspot_scale,hotspot_effect,hotspot_share,hotspot_pixels,hotspot_x,hotspot_y,hotspot_width,hotspot_height',
  );
  assert.ok(csv[1]!.startsWith('"a,""b""",'));
  assert.match(
    csv[1]!,
    /,0\.8,,0\.4,0\.55,0\.6,,0\.5,0\.7,0\.65,dog,2,0\.3,0\.01875,2,2,0,2,1$/,
    'undefined IoU is an empty cell; the hot spot by class name',
  );
  assert.match(csv[2]!, /,,,,,,,,,$/, 'no hot spot: empty cells');
  assert.match(csv[2]!, /^c,[^,]+,[^,]+,4,2,8,,0\.4,/, 'a missing loss is an empty cell');
});
