import { Link, useLocation } from 'react-router'

import { EmptyState } from '../ui/State'

export function NotFound() {
  const { pathname } = useLocation()
  return (
    <div className="page">
      <EmptyState title="No page here">
        Nothing lives at <code>{pathname}</code>. <Link to="/">Go to the experiments</Link>.
      </EmptyState>
    </div>
  )
}
