import { createRoot } from 'react-dom/client';

function SidePanel() {
  return <main>電子契約 / E-contract</main>;
}

createRoot(document.getElementById('root')!).render(<SidePanel />);
