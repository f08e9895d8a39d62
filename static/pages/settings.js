// Settings page: a section list (links #/settings/<section>) and the chosen section, each its own
// component under pages/settings/ built on the public /api/v3 and /api/v1 settings endpoints.
import { html } from '../lib/html.js';
import ProviderSection from './settings/providers.js';
import MetadataSection from './settings/metadata.js';
import ProfilesSection from './settings/profiles.js';
import DefinitionsSection from './settings/definitions.js';
import FormatsSection from './settings/formats.js';
import RootFolderSection from './settings/rootfolders.js';
import NamingSection from './settings/naming.js';
import NotificationsSection from './settings/notifications.js';
import SecuritySection from './settings/security.js';
import UiSection from './settings/ui-prefs.js';

const Indexers = () => html`<${ProviderSection} base="/api/v3/indexer" title="Indexers" noun="indexer" />`;
const Clients = () => html`<${ProviderSection} base="/api/v3/downloadclient" title="Download clients" noun="download client" />`;

/** [slug, link text, component]: the slugs are the #/settings/<section> routes. */
export const SECTIONS = [
  ['indexers', 'Indexers', Indexers],
  ['downloadclients', 'Download clients', Clients],
  ['metadata', 'Metadata', MetadataSection],
  ['profiles', 'Quality profiles', ProfilesSection],
  ['definitions', 'Quality definitions', DefinitionsSection],
  ['customformats', 'Custom formats', FormatsSection],
  ['rootfolders', 'Root folders', RootFolderSection],
  ['naming', 'Naming', NamingSection],
  ['notifications', 'Notifications', NotificationsSection],
  ['security', 'Security', SecuritySection],
  ['ui', 'UI', UiSection],
];

export default function SettingsPage({ route = ['settings'] }) {
  const slug = route[1] || SECTIONS[0][0];
  const found = SECTIONS.find(([s]) => s === slug);
  const Section = found ? found[2] : null;
  return html`<div class="page settings-page">
    <h1>Settings</h1>
    <div class="settings-layout">
      <nav aria-label="Settings sections" class="settings-nav">
        <ul>${SECTIONS.map(([s, label]) => html`<li key=${s}>
          <a href=${`#/settings/${s}`} aria-current=${s === slug ? 'page' : undefined}>${label}</a></li>`)}</ul>
      </nav>
      <div class="settings-body">
        ${Section ? html`<${Section} key=${slug} />`
          : html`<p role="alert" class="error">There is no settings section called "${slug}".</p>`}
      </div>
    </div>
  </div>`;
}
