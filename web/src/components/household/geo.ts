// GPS capture for visits and the household's location (数据铁笼: a visit's point, accuracy and time
// are the evidence it happened). Uses the device's navigator.geolocation, high accuracy, no cache.
import { ref } from 'vue';
import { i18n } from '../../i18n/index.ts';

export interface CapturedLocation {
  lon: number;
  lat: number;
  accuracyM: number | null;
  capturedAt: string;
}

function geoError(e: GeolocationPositionError | Error): string {
  const t = i18n.global.t;
  if ('code' in e) {
    if (e.code === 1) return t('geo.denied');
    if (e.code === 3) return t('geo.timeout');
  }
  return t('geo.unavailable');
}

export function useGeolocation() {
  const capturing = ref(false);
  const failure = ref<string | null>(null);

  function capture(): Promise<CapturedLocation | null> {
    failure.value = null;
    if (!('geolocation' in navigator)) {
      failure.value = i18n.global.t('geo.unsupported');
      return Promise.resolve(null);
    }
    capturing.value = true;
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          capturing.value = false;
          resolve({
            lon: Math.round(pos.coords.longitude * 1e7) / 1e7,
            lat: Math.round(pos.coords.latitude * 1e7) / 1e7,
            accuracyM: Number.isFinite(pos.coords.accuracy) ? Math.round(pos.coords.accuracy * 10) / 10 : null,
            capturedAt: new Date(pos.timestamp || Date.now()).toISOString(),
          });
        },
        (err) => {
          capturing.value = false;
          failure.value = geoError(err);
          resolve(null);
        },
        { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 },
      );
    });
  }

  return { capturing, failure, capture };
}
