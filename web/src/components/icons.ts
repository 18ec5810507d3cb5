// A few inline SVG icons (24×24, stroke = currentColor) so the app bundles no icon font and
// fetches nothing. Used in the navigation and the header.
import { type FunctionalComponent, h } from 'vue';

function icon(name: string, paths: string[]): FunctionalComponent {
  const c: FunctionalComponent = () =>
    h(
      'svg',
      {
        viewBox: '0 0 24 24',
        width: '1.25em',
        height: '1.25em',
        fill: 'none',
        stroke: 'currentColor',
        'stroke-width': 2,
        'stroke-linecap': 'round',
        'stroke-linejoin': 'round',
        'aria-hidden': 'true',
        class: 'dl-icon',
      },
      paths.map((d) => h('path', { d })),
    );
  c.displayName = name;
  return c;
}

export const MapIcon = icon('MapIcon', ['M9 4 3 6v14l6-2 6 2 6-2V4l-6 2-6-2z', 'M9 4v14', 'M15 6v14']);
export const HouseholdIcon = icon('HouseholdIcon', ['M3 11 12 4l9 7', 'M5 10v10h14V10', 'M10 20v-6h4v6']);
export const KeyIcon = icon('KeyIcon', ['M15 7a4 4 0 1 1-3.5 5.9L4 20H2v-2l1-1v-2h2v-2h2l2.1-2.1A4 4 0 0 1 15 7z', 'M16 8h.01']);
export const MenuIcon = icon('MenuIcon', ['M4 6h16', 'M4 12h16', 'M4 18h16']);
export const LogoutIcon = icon('LogoutIcon', ['M15 4h4v16h-4', 'M10 16l-4-4 4-4', 'M6 12h10']);
export const DropIcon = icon('DropIcon', ['M12 3c-4 5.5-7 9-7 12.5a7 7 0 0 0 14 0C19 12 16 8.5 12 3z']);
export const UploadIcon = icon('UploadIcon', ['M12 16V4', 'M7 9l5-5 5 5', 'M4 16v4h16v-4']);
export const SettingsIcon = icon('SettingsIcon', ['M4 6h10', 'M18 6h2', 'M4 12h4', 'M12 12h8', 'M4 18h12', 'M20 18h0', 'M16 4v4', 'M10 10v4', 'M18 16v4']);
export const CheckIcon = icon('CheckIcon', ['M9 11l3 3 8-8', 'M20 12v7a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h11']);
export const UsersIcon = icon('UsersIcon', [
  'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  'M2 21v-1a6 6 0 0 1 12 0v1',
  'M16 3.5a4 4 0 0 1 0 7',
  'M18 14a6 6 0 0 1 4 6v1',
]);
export const ProjectIcon = icon('ProjectIcon', ['M3 21h18', 'M5 21V9l7-5 7 5v12', 'M9 21v-6h6v6']);
export const MoneyIcon = icon('MoneyIcon', ['M3 6h18v12H3z', 'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z', 'M6 9v.01', 'M18 15v.01']);
export const PinIcon = icon('PinIcon', ['M12 21s-6-5.5-6-11a6 6 0 0 1 12 0c0 5.5-6 11-6 11z', 'M9.5 10l2 2 3-3.5']);
export const ChartIcon = icon('ChartIcon', ['M4 20h16', 'M7 16v-5', 'M12 16V6', 'M17 16v-8']);
export const MailIcon = icon('MailIcon', ['M4 5h16a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H9l-5 4V6a1 1 0 0 1 1-1z', 'M8 10h8']);
export const AlertIcon = icon('AlertIcon', ['M12 3 2 20h20L12 3z', 'M12 10v4', 'M12 17h.01']);
