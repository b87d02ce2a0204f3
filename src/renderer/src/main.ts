import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { createAppI18n } from './i18n'
import './assets/main.css'

createApp(App).use(createPinia()).use(createAppRouter()).use(createAppI18n()).mount('#app')
