// Between test files in one page: vitest gives each file fresh modules, a
// page has one ktape, so each file starts from ktape's defaults again.
import * as K from '../../src/browser.js';

export function resetKtape(): void {
  K.clear_session();
  K.set_floatx('float32');
  K.set_epsilon(1e-7);
  K.set_image_data_format('channels_last');
  K.enable_eager_execution();
  K.track_tensors(false);
}
