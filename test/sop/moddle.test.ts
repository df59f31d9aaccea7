import t from 'tap';
import descriptor from '../../src/sop/sop-moddle.json' with { type: 'json' };
t.test('descriptor', async (t) => { t.equal(descriptor.prefix, 'sop'); });
