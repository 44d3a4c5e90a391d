// Every `.hbs` file under templates/, compiled by handlebars at build time: its path under
// templates/ to the template's specification. Here, run from the sources (tests, scripts),
// there are none and src/render/templates.ts compiles each file the first time it renders it;
// in the built CLI, scripts/build.ts replaces this module with the precompiled templates, made
// from the same files with the same options, so the CLI never compiles a template.

export const precompiled: ReadonlyMap<string, TemplateSpecification> = new Map();
