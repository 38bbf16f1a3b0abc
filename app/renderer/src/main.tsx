/** Placeholder entry until the editor shell lands. */
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<p>Attractor Studio</p>);
