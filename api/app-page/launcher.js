// GET /app (PRODUCT.md §8): MAX gives a bot one Mini App URL, and an `open_app` button's payload
// arrives as `start_param` in the launch data. `replace`, so Back does not return here.
import { initData } from './mini-app.js';

const startParam = new URLSearchParams(initData ?? '').get('start_param');
// The pages sit beside this script's folder, wherever the service's path puts them; the
// payload only picks one of two fixed names, so it cannot lead anywhere else.
const page = new URL(startParam === 'scan' ? '../scan' : '../digital-id', import.meta.url);
location.replace(`${page.pathname}${location.hash}`);
