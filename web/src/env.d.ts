// Side-effect CSS imports: esbuild bundles them into app.css.
declare module '*.css';
