// GET /app (PRODUCT.md §8): MAX gives a bot one Mini App URL, and an `open_app` button's payload
// arrives as `start_param` in the launch data. `replace`, so Back does not return here.
import { initData } from './mini-app.js';

const startParam = new URLSearchParams(initData ?? '').get('start_param');
location.replace(`${startParam === 'scan' ? '/app/scan' : '/app/digital-id'}${location.hash}`);
