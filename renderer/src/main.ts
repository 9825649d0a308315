import { mount } from 'svelte';
import App from './App.svelte';
import { applyTheme, rememberedTheme } from './lib/theme.ts';
import './styles/app.css';

applyTheme(rememberedTheme());

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element to mount the UI in.');
mount(App, { target });
