import { renderLabPage } from './lab-page';
import { renderStartPage } from './start-page';
import './style.css';

const root = document.getElementById('app') as HTMLElement;
const labPath = /^\/labs\/([^/]+)\/?$/.exec(location.pathname);
const token = new URLSearchParams(location.search).get('token');

if (labPath && token) renderLabPage(root, { lab: decodeURIComponent(labPath[1]), token });
else renderStartPage(root);
