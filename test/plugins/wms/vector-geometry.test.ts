/**
 * The geometry steps of vector drawing on their own: polygons and lines cut to the frame (what
 * is inside stays, pieces of a line that leaves and comes back stay apart), an interior point of
 * a concave polygon that is inside it (where the centroid is not), labels that would overlap one
 * already placed are skipped, hit-test distances to paths.
 */
import assert from 'node:assert/strict';
import { distanceToPath } from '../../../plugins/wms/vector/hit-test.js';
import { insidePolygon, interiorPoint, labelBox, LabelSpace } from '../../../plugins/wms/vector/labels.js';
import { clipLine, clipRing } from '../../../plugins/wms/vector/pixel-geometry.js';

describe('wms vector geometry', () => {
  it('cuts a ring to the frame, keeping the part inside', () => {
    // A 0..20 square cut by a 10..30 frame: the 10..20 square.
    const cut = clipRing([0, 0, 20, 0, 20, 20, 0, 20], [10, 10, 30, 30]);
    const xs = cut.filter((_, i) => i % 2 === 0);
    const ys = cut.filter((_, i) => i % 2 === 1);
    assert.deepEqual([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)], [10, 20, 10, 20]);
    assert.ok(insidePolygon([cut], 15, 15) && !insidePolygon([cut], 5, 5));
    assert.deepEqual(clipRing([40, 40, 50, 40, 50, 50], [0, 0, 10, 10]), []);
  });

  it('cuts a line to the frame into the pieces inside', () => {
    // In, out across the right edge, back in: two pieces.
    const parts = clipLine([0, 5, 20, 5, 20, 8, 0, 8], [-1, -1, 10, 10]);
    assert.deepEqual(parts, [[0, 5, 10, 5], [10, 8, 0, 8]]);
    assert.deepEqual(clipLine([20, 20, 30, 30], [0, 0, 10, 10]), []);
    assert.deepEqual(clipLine([1, 1, 2, 2, 3, 1], [0, 0, 10, 10]), [[1, 1, 2, 2, 3, 1]]);
  });

  it('finds an interior point of a concave polygon, inside it where its centroid is not', () => {
    // A U shape: its centroid (15, 13.6) falls in the notch (x 10..20, y 10..30).
    const u = [0, 0, 30, 0, 30, 30, 20, 30, 20, 10, 10, 10, 10, 30, 0, 30];
    const p = interiorPoint([u])!;
    assert.ok(insidePolygon([u], p[0], p[1]), `${p}`);
    // A square with a hole in the middle: the point is not in the hole.
    const outer = [0, 0, 30, 0, 30, 30, 0, 30];
    const hole = [10, 10, 20, 10, 20, 20, 10, 20];
    const q = interiorPoint([outer, hole])!;
    assert.ok(insidePolygon([outer, hole], q[0], q[1]), `${q}`);
  });

  it('skips a label whose box overlaps one already placed', () => {
    const space = new LabelSpace(500, 500);
    assert.ok(space.claim(labelBox('Alpha', 100, 100, 12, 'middle')));
    assert.ok(!space.claim(labelBox('Beta', 110, 104, 12, 'middle')));
    assert.ok(space.claim(labelBox('Gamma', 100, 130, 12, 'middle')));
    assert.ok(space.claim(labelBox('Delta', 300, 100, 12, 'start')));
    assert.ok(!space.onMap(-1, 10) && space.onMap(0, 500));
  });

  it('measures distances to lines and ring outlines', () => {
    assert.equal(distanceToPath([0, 0, 10, 0], 5, 3, false), 3);
    assert.equal(distanceToPath([0, 0, 10, 0], 13, 4, false), 5);
    // The closing edge of a ring counts.
    assert.equal(distanceToPath([0, 0, 10, 0, 10, 10, 0, 10], -2, 5, true), 2);
    assert.equal(distanceToPath([0, 0, 10, 0, 10, 10, 0, 10], -2, 5, false), Math.hypot(2, 5));
  });
});
